// Cold start reference: an ES module that does nothing.
