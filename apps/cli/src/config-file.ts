import { readFile } from 'node:fs/promises';
import type { Command, Option } from 'commander';
import { CliError, EXIT, fileError } from './errors.js';

/**
 * Applies `--config file.json` to a command: every key (camelCase or kebab-case option
 * name) sets that option unless it was given on the command line, through the option's
 * own parser, so a config value is checked exactly like a typed one.
 */
export async function applyConfigFile(command: Command): Promise<void> {
  const path = command.getOptionValue('config') as string | undefined;
  if (path === undefined) return;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, `cannot be read (--config): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw fileError(path, `must be JSON (--config), found a syntax error: ${(error as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw fileError(path, `must hold a JSON object of options (--config), found ${Array.isArray(config) ? 'an array' : typeof config}`);
  }
  const options = command.options.filter((o) => o.long !== undefined && o.long !== '--config');
  for (const [key, value] of Object.entries(config)) {
    const option = options.find((o) => o.attributeName() === key || o.long === `--${key}`);
    if (option === undefined) {
      const known = options.map((o) => o.attributeName()).join(', ');
      throw new CliError(`${path}: unknown key '${key}' for 'elbo ${commandPath(command)}' (--config), expected one of ${known}`, EXIT.usage);
    }
    const name = option.attributeName();
    if (command.getOptionValueSource(name) === 'cli') continue;
    command.setOptionValueWithSource(name, parseConfigValue(path, key, option, value), 'config');
  }
}

function parseConfigValue(path: string, key: string, option: Option, value: unknown): unknown {
  if (option.isBoolean?.() || (!option.required && !option.optional)) {
    if (typeof value !== 'boolean') throw new CliError(`${path}: '${key}' must be true or false (--config), found ${JSON.stringify(value)}`, EXIT.usage);
    return value;
  }
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
  if (text === undefined) throw new CliError(`${path}: '${key}' must be a number, a string or a list (--config), found ${JSON.stringify(value)}`, EXIT.usage);
  if (option.argChoices && !option.argChoices.includes(text)) {
    throw new CliError(`${path}: '${key}' must be one of ${option.argChoices.join(', ')} (--config), found ${JSON.stringify(value)}`, EXIT.usage);
  }
  if (option.parseArg === undefined) return text;
  try {
    return option.parseArg(text, undefined);
  } catch (error) {
    throw new CliError(`${path}: '${key}' ${JSON.stringify(value)} is invalid (--config): ${(error as Error).message}`, EXIT.usage);
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null && c.parent !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
