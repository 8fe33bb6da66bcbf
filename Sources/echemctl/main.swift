print("echemctl")
