import { resolve } from 'node:path';
import { getBackendMetadata } from '../decorators/backend.metadata';
import { requireModule } from '../replicas/module.loader';
import type { ReplicaInit } from '../replicas/replica.protocol';
import { messages } from '../serve.messages';

/** A backend class a replica host can run. */
export interface CatalogEntry {
  modulePath: string;
  exportName: string;
  className: string;
  /** Backend name (the decorator's `name`, else the class name). */
  name: string;
}

/** The backend classes a replica host loaded from its modules, and which one an app's start asks for. */
export class BackendCatalog {
  private readonly entries: CatalogEntry[] = [];

  /** Backend names, in load order. */
  get names(): string[] {
    return this.entries.map((c) => c.name);
  }

  /** Class names, in load order. */
  get classNames(): string[] {
    return this.entries.map((c) => c.className);
  }

  /**
   * Loads every module; keeps the backends named in `wanted` (names or class names), or all.
   * Throws when a module exports no backend, or when none is kept.
   */
  load(modules: string[], wanted?: string[]): void {
    for (const file of modules) this.loadModule(resolve(file), wanted);
    if (this.entries.length === 0) throw new Error(messages.agentNoBackends(modules, wanted));
  }

  /** The class for a replica the app asks to start: same class, preferably same backend name or export. */
  find(init: Pick<ReplicaInit, 'className' | 'backend' | 'exportName'>): CatalogEntry | undefined {
    const sameClass = this.entries.filter((c) => c.className === init.className);
    return sameClass.find((c) => c.name === init.backend || c.exportName === init.exportName) ?? sameClass[0];
  }

  private loadModule(modulePath: string, wanted?: string[]): void {
    const exports = requireModule(modulePath);
    const entries = typeof exports === 'function' ? [[exports.name, exports] as const] : Object.entries(exports);
    let found = false;
    for (const [exportName, value] of entries) {
      const metadata = getBackendMetadata(value);
      if (!metadata || typeof value !== 'function') continue;
      found = true;
      const cls = { modulePath, exportName, className: value.name, name: metadata.name ?? value.name };
      const keep = !wanted || wanted.includes(cls.name) || wanted.includes(cls.className);
      if (keep && !this.entries.some((c) => c.className === cls.className && c.modulePath === modulePath))
        this.entries.push(cls);
    }
    if (!found) throw new Error(messages.agentModuleHasNoBackend(modulePath));
  }
}
