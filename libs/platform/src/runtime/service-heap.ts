/**
 * How every service process is started: with a V8 heap budget. Without one, V8 sizes the heap from
 * the host's memory (gigabytes here) and lets garbage pile up before collecting, so a 10,000-line
 * shipment left intake above 300 MB resident; with 256 MB it stays near 200 MB at the same speed.
 * The image sets the same budget (deploy/docker/Dockerfile, checked by test/deploy); Kubernetes sets
 * its own per container memory limit.
 */
export const SERVICE_HEAP_MB = 256;

export const SERVICE_NODE_ARGS: readonly string[] = [`--max-old-space-size=${SERVICE_HEAP_MB}`];
