export { createTestEmulator } from '../../emulator/src/testing';
export type { TestEmulator, TestEmulatorOptions } from '../../emulator/src/testing';
