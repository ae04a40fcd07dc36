from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.core.forms import KaopingForm


class LoginForm(KaopingForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=256)])
    remember = BooleanField("在本机保持登录（14天）")


class ChangePasswordForm(KaopingForm):
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码。"), Length(max=256)])
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=256)])
    confirm = PasswordField(
        "再次输入新密码",
        validators=[DataRequired("请再次输入新密码。"), EqualTo("password", "两次输入的新密码不一致。")],
    )
