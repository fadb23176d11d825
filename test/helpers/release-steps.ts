/** Plan steps the release tests share, as `parsePlan` takes them. */

/** A last step the tests never get through: everyone on the candidate, held for an hour. */
export const HOLD_EVERYWHERE = Object.freeze({
  name: 'everywhere',
  kind: 'full',
  selector: { percent: 100 },
  minDurationS: 3600,
  minSample: {},
  maxDurationS: 7200,
});

/** A canary of `percent` of a region's sessions, judged on three sessions by `gates`. */
export function canaryStep(region: string, percent: number, gates: readonly object[] = []) {
  return {
    name: 'canary',
    kind: 'canary',
    selector: { regions: [region], percent },
    minDurationS: 0,
    minSample: { sessions: 3 },
    maxDurationS: 600,
    gates,
  };
}
