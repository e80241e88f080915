#!/usr/bin/env node
console.log("ebjdat");
