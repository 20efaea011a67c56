/** Browser flows wait on a real emulator and a real Chromium. */
jest.setTimeout(60_000);
