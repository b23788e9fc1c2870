// globalSetup runs outside jest's module mapper: resolve @app/* like tsconfig does.
import * as path from 'node:path';
import { register } from 'tsconfig-paths';

const root = path.resolve(__dirname, '..', '..');
register({ baseUrl: root, paths: { '@app/*': ['libs/*/src'] } });
