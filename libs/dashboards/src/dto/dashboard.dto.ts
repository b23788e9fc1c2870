import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Longest period of the day-by-day dashboards (one quarter); the default is 30 days. */
export const MAX_DAYS = 92;
export const DEFAULT_DAYS = 30;
/** Furthest look ahead of the records manager's due years; the default is 10 years. */
export const MAX_YEARS = 30;
export const DEFAULT_YEARS = 10;

/** The period of a day-by-day dashboard: the last `days` calendar days (Europe/Berlin), today included. */
export class DashboardDaysQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DAYS, default: DEFAULT_DAYS, description: 'calendar days (Europe/Berlin) back from today, today included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number of days' })
  @Min(1, { message: `days must be between 1 and ${MAX_DAYS}` })
  @Max(MAX_DAYS, { message: `days must be between 1 and ${MAX_DAYS}` })
  days?: number;
}

/** How many calendar years (this one included) the records manager's dashboard looks ahead. */
export class DashboardYearsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_YEARS, default: DEFAULT_YEARS, description: 'calendar years ahead, this year included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'years must be a whole number of years' })
  @Min(1, { message: `years must be between 1 and ${MAX_YEARS}` })
  @Max(MAX_YEARS, { message: `years must be between 1 and ${MAX_YEARS}` })
  years?: number;
}

export class DashboardPeriodResponse {
  @ApiProperty({ example: 30 }) days: number;
  @ApiProperty({ description: 'first day (Europe/Berlin)', example: '2026-11-05' }) from: string;
  @ApiProperty({ description: 'last day, today (Europe/Berlin)', example: '2026-12-04' }) to: string;
}

// ---- scan centre (Scanstelle) ------------------------------------------------------------------

export class ScanDayResponse {
  @ApiProperty({ example: '2026-12-04' }) day: string;
  @ApiProperty({ description: 'letters (scans) captured that day, rejected ones included, duplicates not' }) letters: number;
  @ApiProperty({ description: 'their pages (as processed, else as counted at capture)' }) pages: number;
}

/** Where the letters captured in the period went. */
export class ScanOutcomesResponse {
  @ApiProperty({ description: 'filed into a case file by the pipeline, nobody involved' }) filedAutomatically: number;
  @ApiProperty({ description: "sent to a department's inbox (waiting there, or filed from there by a caseworker)" }) inbox: number;
  @ApiProperty({ description: 'refused at upload (unreadable, too large, not a scan)' }) rejected: number;
  @ApiProperty({ description: 'processing failed; the scan centre can run them again' }) failed: number;
  @ApiProperty({ description: 'still queued or being processed' }) inProgress: number;
  @ApiProperty() total: number;
}

/** Scans waiting for the pipeline (OCR and automated quality control) or for the scan centre, now, whenever captured. */
export class ScanBacklogResponse {
  @ApiProperty({ description: 'waiting for processing and quality control' }) queued: number;
  @ApiProperty({ description: 'being processed' }) processing: number;
  @ApiProperty({ description: 'failed, waiting for a re-run by the scan centre' }) failed: number;
  @ApiPropertyOptional({ nullable: true, description: 'capture time of the oldest scan still queued or processing' }) oldestWaitingSince: string | null;
}

export class ScanCentreDashboardResponse {
  @ApiProperty({ type: DashboardPeriodResponse }) period: DashboardPeriodResponse;
  @ApiProperty({ type: [ScanDayResponse] }) perDay: ScanDayResponse[];
  @ApiProperty({ type: ScanOutcomesResponse }) outcomes: ScanOutcomesResponse;
  @ApiProperty({ type: ScanBacklogResponse }) backlog: ScanBacklogResponse;
  @ApiProperty() generatedAt: string;
}

// ---- caseworker / department lead (Sachbearbeitung) -------------------------------------------

/** A department's inbox now, by how long its letters have waited since they were received. */
export class InboxAgeResponse {
  @ApiProperty({ example: '32' }) departmentCode: string;
  @ApiProperty({ example: 'Ordnungsamt' }) departmentName: string;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'received less than 1 day ago' }) underOneDay: number;
  @ApiProperty({ description: '1 to 3 days' }) oneToThreeDays: number;
  @ApiProperty({ description: '3 to 7 days' }) threeToSevenDays: number;
  @ApiProperty({ description: 'more than 7 days' }) overSevenDays: number;
  @ApiPropertyOptional({ nullable: true, description: 'when the oldest waiting letter was received' }) oldestSince: string | null;
}

/** Scanned letters of your departments received that day, by how they reached their case file. */
export class IncomingDayResponse {
  @ApiProperty({ example: '2026-12-04' }) day: string;
  @ApiProperty({ description: 'filed automatically' }) filedAutomatically: number;
  @ApiProperty({ description: 'went to the inbox (waiting, or filed by a caseworker)' }) viaInbox: number;
}

export class CaseworkerDashboardResponse {
  @ApiProperty({ type: DashboardPeriodResponse }) period: DashboardPeriodResponse;
  @ApiProperty({ type: [InboxAgeResponse], description: 'one row per department of yours' }) inboxes: InboxAgeResponse[];
  @ApiProperty({ type: [IncomingDayResponse] }) incomingPerDay: IncomingDayResponse[];
  @ApiProperty() generatedAt: string;
}

// ---- records manager (Schriftgutverwaltung) ----------------------------------------------------

export class DueYearResponse {
  @ApiProperty({ example: 2027 }) year: number;
  @ApiProperty({ description: 'closed case files whose retention ends in that year (Europe/Berlin), from now on' }) caseFiles: number;
}

/** Case files whose retention has already ended. */
export class DueNowResponse {
  @ApiProperty({ description: 'due for disposal (marked by the sweep, or ended and not yet swept)' }) due: number;
  @ApiProperty({ description: 'ended, but under a legal hold (Löschsperre)' }) onHold: number;
  @ApiProperty({ description: 'offered to the archive (in a disposal offer)' }) offered: number;
}

export class DisposalOfferStateResponse {
  @ApiProperty({ enum: ['offered', 'appraised', 'awaiting_confirmation', 'completed'] }) status: string;
  @ApiProperty() offers: number;
}

export class RecordsManagerDashboardResponse {
  @ApiProperty({ example: 10 }) years: number;
  @ApiProperty({ type: [DueYearResponse] }) duePerYear: DueYearResponse[];
  @ApiProperty({ type: DueNowResponse }) dueNow: DueNowResponse;
  @ApiProperty({ type: [DisposalOfferStateResponse], description: 'every state, in the order an offer passes them' }) offersByState: DisposalOfferStateResponse[];
  @ApiProperty() generatedAt: string;
}

// ---- auditor (Prüfung) -------------------------------------------------------------------------

export class AuditDayResponse {
  @ApiProperty({ example: '2026-12-04' }) day: string;
  @ApiProperty({ description: 'audit events of that day' }) events: number;
  @ApiProperty({ description: 'denied attempts of that day (the sum of the four kinds)' }) denied: number;
  @ApiProperty({ description: 'without a valid sign-in or token (401)' }) unauthenticated: number;
  @ApiProperty({ description: 'missing role or permission (403)' }) forbidden: number;
  @ApiProperty({ description: "another department's object, answered as not found (404)" }) otherDepartment: number;
  @ApiProperty({ description: 'other refusals (deleting a record outside disposal)' }) other: number;
}

export class AuditorDashboardResponse {
  @ApiProperty({ type: DashboardPeriodResponse }) period: DashboardPeriodResponse;
  @ApiProperty({ type: [AuditDayResponse] }) perDay: AuditDayResponse[];
  @ApiProperty() generatedAt: string;
}
