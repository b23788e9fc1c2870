export * from './demo-users';
export * from './sign-in-failure';
export * from './sign-in-request';
export * from './oidc-client';
export * from './sign-in.service';
export * from './sign-in.module';
