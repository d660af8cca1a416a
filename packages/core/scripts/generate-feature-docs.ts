/**
 * Prints docs/features.md, generated from the feature registry. Run it through
 * `npm run docs:features -w @tradeops/core`, which writes the file: the core package does no file
 * I/O of its own, even in scripts. `node --import tsx` runs it from the TypeScript sources.
 */
import { featureDefinitions } from "../src/features/feature-definitions";
import { renderFeatureDocs } from "../src/features/feature-docs";

process.stdout.write(renderFeatureDocs(featureDefinitions));
