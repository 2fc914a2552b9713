/**
 * Recovery for job fleets: membership with health, failure detection, active/standby failover
 * with fencing, and reassignment of work with epochs.
 */
package io.zktoolkit.recovery;
