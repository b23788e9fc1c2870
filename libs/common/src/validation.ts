import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from './domain-error';

function flatten(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  const out: { field: string; errors: string[] }[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, errors: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Whitelisting validation: unknown fields and wrong types are 400 with field errors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) =>
      new BadRequestException({
        code: ErrorCode.ValidationFailed,
        message: 'request validation failed',
        details: flatten(errors),
      }),
  });
}

/** Validates plain fields (e.g. multipart form fields) against a DTO class like the pipe does. */
export async function validateFields<T extends object>(cls: new () => T, fields: Record<string, unknown>): Promise<T> {
  const { plainToInstance } = await import('class-transformer');
  const { validate } = await import('class-validator');
  const instance = plainToInstance(cls, fields);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const { DomainError } = await import('./domain-error');
    throw DomainError.validation('request validation failed', flatten(errors));
  }
  return instance;
}
