// Shared lint rules for every package: `pnpm lint` (turbo runs `eslint src` in each).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@ebjdat/*/src/*", "@ebjdat/*/dist/*", "../../*/src/*"], message: "Import other packages through their public index only." }] },
      ],
    },
  },
);
