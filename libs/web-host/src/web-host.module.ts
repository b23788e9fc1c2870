import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { static as serveStatic } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';

/** Paths the web application never answers: the service's own routes. */
const SERVICE_PATHS = /^\/(api|auth|health|metrics)(\/|$)/;

/**
 * Serves the web application (built by `npm run build` into WEB_DIR) from `/` on the records API,
 * so the browser talks to one origin. Hashed assets are cached for a year; index.html is never
 * cached and answers every application path (the client-side router takes it from there).
 * The files hold no data: they are public, every API call they make is authenticated.
 */
@Module({})
export class WebHostModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    const dir = this.config.web.dir;
    const assets = serveStatic(dir, {
      index: false,
      fallthrough: true,
      redirect: false,
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    });
    const indexFile = path.join(dir, 'index.html');
    const app = (req: Request, res: Response, next: NextFunction) => {
      const pathname = req.originalUrl.split('?')[0];
      if (SERVICE_PATHS.test(pathname)) return next();
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      req.url = req.originalUrl; // Nest's mount may have cut the path; serve-static reads req.url
      assets(req, res, () => {
        // unknown files under /assets are 404, not the application
        if (pathname.startsWith('/assets/') || !req.accepts('html')) return next();
        fs.readFile(indexFile, (err, html) => {
          if (err) {
            res.status(503).type('text/plain').send('The web application is not built: run `npm run build`.');
            return;
          }
          res.setHeader('Cache-Control', 'no-store');
          res.type('html').send(html);
        });
      });
    };
    consumer.apply(app).forRoutes('*');
  }
}
