/** Three regions in two residency zones, with real locations, for the multi-region tests. */
export const THREE_REGIONS = Object.freeze([
  { name: 'eu-west', zone: 'eu', location: { lat: 53.3, lon: -6.3 } },
  { name: 'eu-central', zone: 'eu', location: { lat: 50.1, lon: 8.7 } },
  { name: 'us-east', zone: 'us', location: { lat: 39.0, lon: -77.5 } },
]);
