import { extname } from 'node:path';
import { cliMessages } from '../messages/cli.messages';
import { ServeError } from '../serve.errors';
import { validateFleetFile, type FleetFile } from './fleet-file.validator';

/** The part of the optional `yaml` package the parser uses. */
export interface YamlParser {
  parse(text: string): unknown;
}

/**
 * Reads the text of an apply file named `file`: `.json` as JSON, `.yaml`/`.yml` with the
 * optional peer `yaml` (`loadYaml` returns it, or undefined when it is not installed), then
 * checks it ({@link validateFleetFile}). Throws an INVALID_CONFIG ServeError naming the file and,
 * for a bad value, the field.
 */
export function parseFleetFile(text: string, file: string, loadYaml: () => YamlParser | undefined): FleetFile {
  const ext = extname(file).toLowerCase();
  let doc: unknown;
  if (ext === '.json') {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ServeError('INVALID_CONFIG', cliMessages.notJson(file, (err as Error).message));
    }
  } else if (ext === '.yaml' || ext === '.yml') {
    const yaml = loadYaml();
    if (!yaml) throw new ServeError('INVALID_CONFIG', cliMessages.yamlMissing(file));
    try {
      doc = yaml.parse(text);
    } catch (err) {
      throw new ServeError('INVALID_CONFIG', cliMessages.notYaml(file, (err as Error).message));
    }
  } else throw new ServeError('INVALID_CONFIG', cliMessages.unknownExtension(file));
  return validateFleetFile(doc, file);
}
