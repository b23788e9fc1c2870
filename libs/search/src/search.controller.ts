import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { SearchPageResponse, SearchQueryDto } from './dto/search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiBearerAuth()
@Controller('api/v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /** Caseworkers only: snippets are document content, which records managers may not read. */
  @Get()
  @Roles(Role.Caseworker)
  @ApiOperation({ summary: 'German full-text search over the documents of your departments (ranked, with highlighted snippets)' })
  @ApiOkResponse({ type: SearchPageResponse })
  find(@Ctx() ctx: RequestContext, @Query() q: SearchQueryDto): Promise<SearchPageResponse> {
    return this.search.search(ctx, q);
  }
}
