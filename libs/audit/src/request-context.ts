import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, RequestContext } from '@app/common';

/** The request context (actor, request id, client address) of an HTTP request. */
export function contextOf(req: Request): RequestContext {
  const r = req as Request & { actor?: Actor; id?: unknown };
  return {
    actor: r.actor ?? null,
    requestId: typeof r.id === 'string' ? r.id : String(r.id ?? ''),
    clientIp: req.ip ?? req.socket?.remoteAddress ?? null,
  };
}

/** Controller parameter: the {@link RequestContext} to hand to a service. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext) => contextOf(ctx.switchToHttp().getRequest()));
