# Wrong on purpose: __str__ instead of __repr__.
# expect: define `__repr__` (not only `__str__`
class Value:

    def __init__(self, data):
        self.data = data

    def __str__(self):
        return f"Value(data={self.data})"
