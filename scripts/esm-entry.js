'use strict';
// Writes dist/index.mjs: named ESM exports over the CommonJS build, so that ESM apps
// (Nest 12's default) can `import { ServeModule } from 'nestjs-serve'` — including the exports
// the CommonJS entry defines lazily, which Node's CJS export detection cannot see. It first hands
// the host's own `@nestjs/common` and `@nestjs/core` to the CommonJS build (see src/host-nest.ts): under tsx the
// build's `require` would otherwise get a second copy of Nest.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const names = Object.keys(require(join(dist, 'index.js')));
const source = [
  "import * as nestCommon from '@nestjs/common';",
  "import * as nestCore from '@nestjs/core';",
  "import { adoptHostNest } from './host-nest.js';",
  "import cjs from './index.js';",
  'adoptHostNest(nestCommon, nestCore);',
  `export const { ${names.join(', ')} } = cjs;`,
  'export default cjs;',
  '',
].join('\n');
writeFileSync(join(dist, 'index.mjs'), source);
