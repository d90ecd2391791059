export {
  type Command,
  commandArgs,
  parseCommand,
  parseCommandArgs,
  UsageError,
  usageExit,
  usageText,
} from './args.js';
export { type BuildOnce, buildOnce, hashSources } from './buildOnce.js';
