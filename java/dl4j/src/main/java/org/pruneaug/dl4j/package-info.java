/** PruneAug dl4j module. */
package org.pruneaug.dl4j;
