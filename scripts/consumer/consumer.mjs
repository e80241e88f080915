// ESM consumer: loads the published packages with `import` (their "import" export condition).
import * as tf from "@tensorflow/tfjs-core";
import * as runtime from "@ebjdat/runtime";
import * as attacks from "@ebjdat/attacks";
import * as metrics from "@ebjdat/metrics";
import * as models from "@ebjdat/models";
import * as formats from "@ebjdat/formats";
import checks from "./checks.cjs";

try {
  await checks.runChecks("esm", { tf, runtime, attacks, metrics, models, formats });
} catch (e) {
  console.error(`[esm] FAILED: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
}
