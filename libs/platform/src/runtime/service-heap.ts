/**
 * How every service process is started: with a V8 heap budget. Without one, V8 sizes the heap from
 * the host's memory (gigabytes here) and lets garbage pile up before collecting, so a 10,000-line
 * shipment left intake above 300 MB resident; with 256 MB it stays near 200 MB at the same speed.
 * The image sets the same budget (deploy/docker/Dockerfile, checked by test/deploy); Kubernetes sets
 * its own per container memory limit.
 */
export const SERVICE_HEAP_MB = 256;

/**
 * The young generation's semi-space, in MB (V8's default grows to 16). A consumer holds a prefetch of
 * parsed events across its awaits; with 16 MB many of them outlive a scavenge and are copied into the
 * old space, which then needs more full collections. 32 MB: the bulk benchmark ran ~6 % faster with
 * ~5 % less CPU (two pairs of runs); intake's peak RSS went from ~207 to ~245 MB. 64 MB took intake
 * past 300 MB for no further gain.
 */
export const SERVICE_SEMI_SPACE_MB = 32;

export const SERVICE_NODE_ARGS: readonly string[] = [`--max-old-space-size=${SERVICE_HEAP_MB}`, `--max-semi-space-size=${SERVICE_SEMI_SPACE_MB}`];
