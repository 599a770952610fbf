3f9a0c27b1d84e65a2c7f0e19b5d6a48
8
XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
clock synchronised
