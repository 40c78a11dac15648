"""One colour per optimizer, the same in every picture and explorer of the course."""

COLORS = {
    "SGD": "#4c4c4c", "Momentum": "#1f77b4", "Nesterov": "#17becf", "Adagrad": "#2ca02c",
    "RMSprop": "#bcbd22", "Adam": "#d62728", "Adamax": "#ff7f0e", "Nadam": "#9467bd",
    "AdamW": "#8c564b",
}
