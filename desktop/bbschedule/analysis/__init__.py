"""Schedule analysis: DCMA 14-point checks, earned value, cash flow, metrics."""
