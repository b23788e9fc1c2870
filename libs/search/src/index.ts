export * from './dto/search.dto';
export * from './search-query';
export * from './snippet';
export * from './search.repository';
export * from './search.service';
export * from './search.module';
