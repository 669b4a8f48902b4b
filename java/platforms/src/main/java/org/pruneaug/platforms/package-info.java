/** PruneAug platforms module. */
package org.pruneaug.platforms;
