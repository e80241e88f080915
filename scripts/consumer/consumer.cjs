"use strict";
// CommonJS consumer: loads the published packages with `require` (their "require" export condition).
const tf = require("@tensorflow/tfjs-core");
const runtime = require("@ebjdat/runtime");
const attacks = require("@ebjdat/attacks");
const metrics = require("@ebjdat/metrics");
const models = require("@ebjdat/models");
const formats = require("@ebjdat/formats");
const { runChecks } = require("./checks.cjs");

runChecks("cjs", { tf, runtime, attacks, metrics, models, formats }).catch((e) => {
  console.error(`[cjs] FAILED: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
