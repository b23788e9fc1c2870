export * from './auth.guard';
export * from './auth.module';
export * from './token-verifier';
export * from './session/session-cookie';
export * from './session/web-session.repository';
export * from './session/web-session.service';
