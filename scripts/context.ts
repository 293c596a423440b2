import { defineCommand as defineAny, type Command, type Flags } from '../lib/cli-kit.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { LoadedConfig } from '../catalog/open.ts';

/** What the CLI's entry hands every command besides its arguments: the catalog, built once. */
export interface CommandContext {
  catalog: Catalog;
  /** The config file read for the catalog (--config, or one found here); null when none. */
  config: LoadedConfig | null;
}

/** Declares a command that receives the catalog. */
export function defineCommand<O extends Flags>(command: Command<O, CommandContext>): Command<O, CommandContext> {
  return defineAny(command);
}
