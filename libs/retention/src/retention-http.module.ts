import { Module } from '@nestjs/common';
import { RecordDeletionController } from './deletion/record-deletion.controller';
import { DisposalController } from './disposal/disposal.controller';
import { ActiveLegalHoldController, LegalHoldController } from './holds/legal-hold.controller';
import { RetentionRuleController } from './rules/retention-rule.controller';
import { RetentionModule } from './retention.module';

/** HTTP routes of retention and disposal (records API only). */
@Module({
  imports: [RetentionModule],
  controllers: [RetentionRuleController, LegalHoldController, ActiveLegalHoldController, RecordDeletionController, DisposalController],
})
export class RetentionHttpModule {}
