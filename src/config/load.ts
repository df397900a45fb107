import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseProperties } from 'dot-properties';
import { CONFIG_KEYS, envVarName, type ConfigKeyName } from './keys.js';

export type PackstoreConfig = {
  [K in ConfigKeyName]: ReturnType<(typeof CONFIG_KEYS)[K]['defaultValue']>;
} & { dataDir: string };

export class ConfigError extends Error {}

export interface LoadConfigOptions {
  dataDir: string;
  /** A configOverride.properties file; defaults to <dataDir>/configOverride.properties when it exists. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything, for tests and the CLI. */
  overrides?: Partial<Record<string, string>>;
}

/** Reads defaults, then the properties file, then PACKSTORE_* variables; an invalid value names its key. */
export function loadConfig(options: LoadConfigOptions): PackstoreConfig {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir);
  const fileValues = readPropertiesFile(options.configFile ?? path.join(dataDir, 'configOverride.properties'), !!options.configFile);
  const config: Record<string, unknown> = { dataDir };
  for (const [name, spec] of Object.entries(CONFIG_KEYS)) {
    const raw = options.overrides?.[spec.key] ?? env[envVarName(spec.key)] ?? fileValues[spec.key];
    if (raw === undefined) {
      config[name] = spec.defaultValue(dataDir);
      continue;
    }
    const value = spec.parse(raw);
    if (value === undefined) {
      throw new ConfigError(`Invalid value for ${spec.key}: ${JSON.stringify(raw)} (expected ${spec.describe}).`);
    }
    config[name] = value;
  }
  return config as PackstoreConfig;
}

function readPropertiesFile(file: string, required: boolean): Record<string, string> {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`Config file not found: ${file}`);
    return {};
  }
  const parsed = parseProperties(readFileSync(file, 'utf8'));
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') flat[key] = value;
  return flat;
}
