import { fileURLToPath } from 'node:url';

/** The repository root (tools/bench/dist/paths.js -> ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared real-data folder (../shared/data from the repository root; ELBO_DATA_DIR overrides). */
export const DATA_DIR = process.env.ELBO_DATA_DIR ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

export const MC_MAZE_NWB = `${DATA_DIR}/nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb`;
