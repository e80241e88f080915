import type { Method } from "./config";
import { standardObjective, type Objective } from "./objective";

/** The objective that trains a method (spec 9.2; `standard` = cross-entropy). */
export function objectiveFor(method: Method): Objective {
  switch (method) {
    case "standard":
      return standardObjective;
  }
}
