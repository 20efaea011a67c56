/**
 * Jest runs CommonJS; the build scripts are ES modules (.mjs, run by Node directly). This
 * turns one into CommonJS for the tests, the way ts-jest does for TypeScript, so the tests
 * use the scripts' code as it is shipped (the WXSS transform, the emulator process helper).
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
