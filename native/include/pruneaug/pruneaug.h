/* Umbrella header of the PruneAug block-sparse kernel library (CPU). */
#ifndef PRUNEAUG_H
#define PRUNEAUG_H
#include "pruneaug/status.h"
#include "pruneaug/bsr.h"
#include "pruneaug/bsrmm.h"
#include "pruneaug/memory.h"
#endif
