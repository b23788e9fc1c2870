import { InitialSchema1764288000000 } from './1764288000000-InitialSchema';
import { ScanIngest1764300400000 } from './1764300400000-ScanIngest';
import { DocumentSearch1764500000000 } from './1764500000000-DocumentSearch';
import { RetentionDisposal1764650000000 } from './1764650000000-RetentionDisposal';
import { SearchTimeBuckets1764700000000 } from './1764700000000-SearchTimeBuckets';
import { RetentionSweepKeyset1764800000000 } from './1764800000000-RetentionSweepKeyset';
import { CaseFileCounts1764900000000 } from './1764900000000-CaseFileCounts';
import { FixitySweep1765000000000 } from './1765000000000-FixitySweep';
import { WebSessions1765000000100 } from './1765000000100-WebSessions';
import { CaseFileTextSearch1765100000000 } from './1765100000000-CaseFileTextSearch';
import { DashboardIndexes1765200000000 } from './1765200000000-DashboardIndexes';
import { Vorgaenge1765300000000 } from './1765300000000-Vorgaenge';

/** Every migration, in order. Add new ones at the end; never edit one that has landed. */
export const MIGRATIONS = [InitialSchema1764288000000, ScanIngest1764300400000, DocumentSearch1764500000000, RetentionDisposal1764650000000, SearchTimeBuckets1764700000000, RetentionSweepKeyset1764800000000, CaseFileCounts1764900000000, FixitySweep1765000000000, WebSessions1765000000100, CaseFileTextSearch1765100000000, DashboardIndexes1765200000000, Vorgaenge1765300000000];
