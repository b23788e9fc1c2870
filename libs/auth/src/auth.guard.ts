import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Actor, DomainError, ErrorCode, Role } from '@app/common';
import { TokenVerifier } from './token-verifier';

const PUBLIC_KEY = 'eakte:public';
const ROLES_KEY = 'eakte:roles';

/** Marks a route as reachable without a token (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles that may call a route (any one of them). Routes without it need only a valid token. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Authenticates every request (bearer JWT) and checks the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'missing bearer token');
    req.actor = await this.verifier.verify(match[1]);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !req.actor.roles.some((r) => roles.includes(r))) {
      throw new DomainError(ErrorCode.Forbidden, `requires role ${roles.join(' or ')}`);
    }
    return true;
  }
}
