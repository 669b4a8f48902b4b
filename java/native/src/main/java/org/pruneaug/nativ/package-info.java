/** JavaCPP binding of libpruneaug ('native' is a Java keyword, hence 'nativ'). */
package org.pruneaug.nativ;
