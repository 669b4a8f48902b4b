package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FineTuningAloneTest {
    @Test
    void saysWhatShareOfTheBudgetTheFineTuningSpends() {
        assertEquals("91.72% (-0.94 points: the fine-tuning alone spends 94% of the 1.00-point budget, pruning gets the rest)",
                SearchOutputs.fineTuningAlone(0.9266, 0.9172, 1.0));
        assertEquals("92.80% (+0.14 points: the fine-tuning alone costs no accuracy)",
                SearchOutputs.fineTuningAlone(0.9266, 0.9280, 1.0));
        assertEquals("92.56% (-0.10 points: the fine-tuning alone already exceeds the 0-point budget)",
                SearchOutputs.fineTuningAlone(0.9266, 0.9256, 0.0));
    }
}
