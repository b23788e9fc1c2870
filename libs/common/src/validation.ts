import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { isISO8601, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { ErrorCode } from './domain-error';

export interface FieldErrors {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldErrors[] {
  const out: FieldErrors[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, errors: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** C0 control characters and DEL: never part of a single-line identifier, code or filter. */
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
/** Free text may hold tabs and line breaks, but no other control characters. */
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/**
 * The string holds no control characters (NUL, escape, …): PostgreSQL cannot store NUL in text,
 * and XML (the xdomea export) cannot carry most of the others. `multiLine` admits tab, LF and CR
 * for free text such as titles, reasons and comments.
 */
export function NoControlCharacters(options: { multiLine?: boolean } & ValidationOptions = {}): PropertyDecorator {
  const { multiLine, ...validation } = options;
  return Matches(multiLine ? MULTI_LINE : SINGLE_LINE, { message: '$property must not contain control characters', ...validation });
}

/**
 * Calendar date [time] in ISO 8601 that PostgreSQL reads as a timestamptz: extended or basic date
 * (2026-01-31, 20260131, ordinal 2026-031), optional time with at least hours and minutes, a dot
 * for fractions, optional zone. Week dates, hour-only times, comma fractions and expanded years
 * pass `IsISO8601` but make PostgreSQL fail, so they are refused here.
 */
const PG_TIMESTAMP = /^\d{4}(-?\d{2}-?\d{2}|-?\d{3})([T ]\d{2}:?\d{2}(:?\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

export function IsIsoTimestamp(validation: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoTimestamp',
      validator: {
        validate: (value) => typeof value === 'string' && PG_TIMESTAMP.test(value) && isISO8601(value, { strict: true }),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 date or date-time`,
      },
    },
    validation,
  );
}

/** Paths of the string values (and keys) in `value` that contain NUL, `parent` prefixing them. */
export function fieldsWithNul(value: unknown, parent = '', depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [parent || 'value'] : [];
  if (value === null || typeof value !== 'object' || depth > 32 || Buffer.isBuffer(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const field = parent ? `${parent}.${k}` : k;
    if (k.includes('\u0000')) out.push(field);
    else out.push(...fieldsWithNul(v, field, depth + 1));
  }
  return out;
}

function validationFailed(details: FieldErrors[]): BadRequestException {
  return new BadRequestException({ code: ErrorCode.ValidationFailed, message: 'request validation failed', details });
}

function nulErrors(fields: string[]): FieldErrors[] {
  return fields.map((field) => ({ field, errors: [`${field} must not contain control characters (NUL)`] }));
}

/**
 * The DTO validation plus one rule for every query string, route parameter and JSON body, DTO or
 * not: no NUL characters (PostgreSQL refuses them in text, which would surface as a 500).
 */
class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const fields = fieldsWithNul(value, metadata.data ?? '');
      if (fields.length) throw validationFailed(nulErrors(fields));
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisting validation: unknown fields, wrong types and NUL characters are 400 with field errors. */
export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/** Validates plain fields (e.g. multipart form fields) against a DTO class like the pipe does. */
export async function validateFields<T extends object>(cls: new () => T, fields: Record<string, unknown>): Promise<T> {
  const { DomainError } = await import('./domain-error');
  const withNul = fieldsWithNul(fields);
  if (withNul.length) throw DomainError.validation('request validation failed', nulErrors(withNul));
  const { plainToInstance } = await import('class-transformer');
  const { validate } = await import('class-validator');
  const instance = plainToInstance(cls, fields);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw DomainError.validation('request validation failed', flatten(errors));
  return instance;
}
