/**
 * Jest runs CommonJS; the build scripts are ES modules (.mjs, run by Node directly). This
 * turns one into CommonJS for the tests, the way ts-jest does for TypeScript, so the WXSS
 * transform of the preview build is tested as it is shipped.
 */
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename.replace(/\.mjs$/, '.js'),
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        esModuleInterop: true,
      },
    });
    return { code: outputText };
  },
};
