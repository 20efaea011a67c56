import { getConfig } from './config';
import { ensureCloud } from './services/cloud';

/** Global app instance; pages read it with getApp<IAppOption>(). */
export interface IAppOption {
  globalData: Record<string, never>;
}

App<IAppOption>({
  globalData: {},
  onLaunch() {
    // Initialising early lets the SDK warm up while the first page renders.
    if (getConfig().mode === 'cloud') ensureCloud();
  },
});
