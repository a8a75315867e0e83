"""The floor page: a slider that prints its value. Every live control is measured against it."""

import streamlit as st

value = st.slider("floor", 0, 1000, 0, key="floor")
st.markdown(f"value: {value}")
