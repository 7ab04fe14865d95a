#!/usr/bin/env bash
# Runs the whole test suite against Nest 11 (the peer range is ^11 || ^12; the repository itself
# develops on 12): a copy of the working tree in a temporary folder, the same lock file, then the
# Nest 11 packages installed over it without touching package.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${NEST11_DIR:-$(mktemp -d)/nestjs-serve-nest11}"
mkdir -p "$dir"
tar -C "$root" --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude='./test/consumers/*/node_modules' -cf - . | tar -C "$dir" -xf -
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error \
  @nestjs/common@11.2.10 @nestjs/core@11.2.10 @nestjs/platform-express@11.2.10 @nestjs/platform-fastify@11.2.8 \
  @nestjs/testing@11.2.6
echo "testing on @nestjs/core $(node -p "require('@nestjs/core/package.json').version"), @nestjs/common $(node -p "require('@nestjs/common/package.json').version")"
npm test
