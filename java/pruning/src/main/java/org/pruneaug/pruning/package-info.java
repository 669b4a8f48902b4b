/** PruneAug pruning module. */
package org.pruneaug.pruning;
