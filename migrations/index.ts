import { InitialSchema1764288000000 } from './1764288000000-InitialSchema';
import { ScanIngest1764300400000 } from './1764300400000-ScanIngest';

/** Every migration, in order. Add new ones at the end; never edit one that has landed. */
export const MIGRATIONS = [InitialSchema1764288000000, ScanIngest1764300400000];
