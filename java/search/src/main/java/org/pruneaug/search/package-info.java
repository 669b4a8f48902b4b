/** PruneAug search module. */
package org.pruneaug.search;
