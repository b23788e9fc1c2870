import { Param, ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '@app/common';

/** A path parameter that must be a UUID (400 with the field named otherwise). */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => DomainError.validation(`${name} must be a UUID`, [{ field: name, errors: ['must be a UUID'] }]),
    }),
  );
