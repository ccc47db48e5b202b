"""Exercise pictures and animations drawn by code from pose data in content/poses/."""
